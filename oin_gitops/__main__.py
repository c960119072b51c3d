"""Entry point for ``python -m oin_gitops``."""

from oin_gitops.cli import main

if __name__ == "__main__":
    main()
