"""Developer tooling: the launcher behind `make run`, the embedded servers, the production check."""
