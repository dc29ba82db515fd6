"""An env's lifecycle across runs: which of its stacks exist in the state backend, which the env file no
longer declares (orphans, destroyed only on request), and whose env file owns a name and its state.

``records`` (the identity each stack writes into its state), ``backend`` (listing states where they live),
``assess`` (orphans and identity problems, decided before any change), ``orphans`` (destroying them).
Importing this package loads neither cdktf nor boto3.
"""
