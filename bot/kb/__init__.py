"""Knowledge base: sourced facts about offices and services, stored with SQLAlchemy."""
