"""Console tests (a package so tests share ``helpers`` by relative import)."""
