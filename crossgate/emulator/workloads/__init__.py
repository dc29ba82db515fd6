"""Workloads that really run: the emulator plays the ECS scheduler for Fargate services.

For each ECS service in any emulated account the scheduler starts ``desired_count`` local processes
(from the command mapped to the task's image), records them as tasks with private IPs in the
service's subnets, registers them in the service's target group, health-checks them on the target
group's path, replaces a task that dies and stops tasks when the service shrinks or goes away.

:class:`Workloads` is the one object the data plane asks: "which local address serves target
ip:port?" and "is that target healthy?". Targets the scheduler did not start (bring-your-own NLB)
can be mapped to a local address with :meth:`Workloads.map_target` (the control call
``PUT /_crossgate/targets``).
"""

from crossgate.emulator.workloads.runtime import LocalAddress, TargetHealth, Workloads

__all__ = ["LocalAddress", "TargetHealth", "Workloads"]
