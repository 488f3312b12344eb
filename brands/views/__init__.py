"""Brand pages, one module per sub-domain. Thin: parse a form, authorise, call a service,
render or redirect. Every page works as a plain form post, without JavaScript."""
