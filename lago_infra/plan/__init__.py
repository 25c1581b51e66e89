"""The offline plan: the real program, the real stack config, Pulumi's mock monitor, and a record
of every resource the program registered."""

from .runner import Plan, ProgramFailed, run_plan, run_plan_with

__all__ = ["Plan", "ProgramFailed", "run_plan", "run_plan_with"]
