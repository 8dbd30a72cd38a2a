"""The client's operations as plans (see ``rf_client._plan``): written once, run sync or async.

Each module covers one family of routes and builds its requests with the generated
operations of ``rf_api_v1`` / ``rf_api_v0`` (imported on first use, to keep
``import rf_client`` fast).
"""
