"""The workflow editor page; its React source lives in editor/frontend/."""
