"""The wizard's pages, one module each; they only read from and write to the draft."""
