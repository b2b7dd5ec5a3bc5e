"""nlp-screen: screens free-text patient records against the CD5 CAR-NK trial's eligibility criteria."""
__version__ = "0.1.0"
