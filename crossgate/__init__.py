"""crossgate: a central HTTP API Gateway reaching private services in other AWS accounts over PrivateLink."""

__version__ = "0.1.0"
