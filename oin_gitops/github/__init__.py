"""The GitHub adapter: the only code that imports PyGithub. It reads a pull request's facts
fresh on every run, and reconciles labels, the sticky comment and the ``oin/review`` status."""
