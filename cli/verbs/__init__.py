"""One module per verb of the command line, each thin over the library."""
