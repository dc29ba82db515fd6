"""Workloads that really run: the emulator plays the ECS scheduler for Fargate services.

For each ECS service in any emulated account the scheduler starts ``desired_count`` local processes
(from the command mapped to the task's image), records them as tasks with private IPs in the
service's subnets, registers them in the service's target group, health-checks them with the target
group's settings, replaces a task that dies and stops tasks when the service shrinks or goes away.

:class:`Workloads` is the one object the data plane asks: "which local address serves target
ip:port?" and "is that target healthy?". Targets the scheduler did not start (bring-your-own NLB)
can be mapped to a local address with the control call ``PUT /_crossgate/workloads/targets``;
images are mapped to local commands with ``PUT /_crossgate/workloads/images``
(:mod:`crossgate.emulator.workloads.control`).

Modules: ``scheduler`` (the reconcile loop), ``tasks`` (moto's task records and ENIs),
``moto_state`` (finding and changing moto's backends), ``processes`` (local processes),
``volumes`` (container paths), ``secrets`` (a container's ``secrets`` read at task start),
``health`` (health checks), ``published`` (health on moto's target
groups), ``mappings`` (the JSON-backed image and target maps), ``control`` (the control calls).
"""

from crossgate.emulator.workloads.runtime import LocalAddress, TargetHealth, Workloads

__all__ = ["LocalAddress", "TargetHealth", "Workloads"]
