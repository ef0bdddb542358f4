"""Channel domain functions: what the worker, the console and the tasks call."""
