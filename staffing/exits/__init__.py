"""Pages of a plan for the people who leave: exits and budget, demotions, roadmap to the norm."""
