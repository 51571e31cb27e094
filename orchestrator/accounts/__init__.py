"""Signing in and out for everyone: approvers are ordinary users, not staff (the admin's login
admits staff only and stays as it is for them)."""
