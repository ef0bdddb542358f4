"""Worker-side processing: opens envelopes, routes, links, indexes, sends."""
