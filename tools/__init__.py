"""Developer tooling (local stack, simulators, benchmarks helpers); never shipped to Lambda."""
