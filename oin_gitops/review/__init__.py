"""The review lifecycle, pure: pull-request facts in; state label, labels, status and comment
bodies out. Nothing here talks to GitHub or reads the clock (``oin_gitops.github`` does both)."""
