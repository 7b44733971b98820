"""ipfs."""
