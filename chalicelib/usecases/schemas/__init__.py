"""Typed requests and results of the use cases (pydantic v2 models: plain data, no HTTP).

One module per API area. The HTTP layer parses a JSON body or a query string into a request model and hands
it to the use case; every validation problem becomes VALIDATION_ERROR naming the field (the HTTP
layer's binding module). The same models describe the API in the generated ``docs/openapi.yaml``.
"""
