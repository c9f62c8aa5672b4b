"""kitgen: campaign artwork in, a tracking-free self-service kit out."""

__version__ = "0.1.0"
