"""Evidence loading: fact schemas, loaders, normalisation and derivations."""
