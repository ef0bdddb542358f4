"""The sealed inbound envelopes: what the intake accepts and the worker opens."""
