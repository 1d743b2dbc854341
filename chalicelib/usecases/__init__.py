"""Use cases, one module per API area: a typed request and the caller in, a typed result out; no HTTP."""
