"""In-memory twins of the repositories, one module per repository: same Protocol, same contract tests."""
