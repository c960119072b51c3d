"""oin-gitops: the Okta Integration Network submission process as a GitOps repository."""

__version__ = "0.1.0"
