"""What a stack costs per month, computed from its plan: ``estimate(plan_doc)``.

``plan_doc`` is the dict ``plan --format json`` prints (``Plan.to_json()``). The estimate prices
what the plan deploys (resource types and their inputs) against one dated price table per cloud;
usage the plan cannot know comes from stated assumptions (``assumptions.py``)."""

from .estimate import estimate
from .model import Estimate, Line, Price

__all__ = ["Estimate", "Line", "Price", "estimate"]
