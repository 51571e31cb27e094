"""Services: every state change goes through here (lock → load → evaluate → persist → dispatch)."""
