"""Working as a team: merging a colleague's project into yours."""
