"""Report builders and their jinja2 templates."""
