"""Pull-request review of infrastructure changes: the diff of two offline plans, danger flags,
the cost delta, the architecture diagram, and the comment that gathers them."""

from .danger import Danger, dangers, exit_code
from .diff import PlanDiff, PlanFileError, diff, load

__all__ = ["Danger", "PlanDiff", "PlanFileError", "dangers", "diff", "exit_code", "load"]
