"""Running terraform: the runner (``terraform``), what its output text means (``output_text``), recovery
after an interrupted run (``recovery``, ``adopt``) and the dependency-ordered orchestrator (``orchestrate``)."""
