"""SMART's domain types: plain records that store/, the rules and the use cases all share (see docs/ARCHITECTURE.md)."""
