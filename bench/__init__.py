"""crossgate benchmarks: synth, plan and deploy cost against the number of services (see bench/README.md)."""
