"""No lost typing while typing: forms marked ``data-autosave`` keep a draft on the server (issue 13)."""
