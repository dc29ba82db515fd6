"""One module per command; each has ``register(sub)`` (its options) and ``run(args) -> exit code``."""

from crossgate.cli.commands import (
    ci,
    demo,
    deploy,
    destroy,
    diagram,
    doctor,
    eject,
    emulator,
    iam,
    outputs,
    plan,
    smoke,
    synth,
    token,
    unlock,
    validate,
)

COMMANDS = (validate, synth, plan, deploy, destroy, outputs, demo, unlock, doctor, diagram, emulator, smoke, token,
            eject, iam, ci)
