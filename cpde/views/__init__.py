"""Views of the CPDE pages, one module per area: committee and members, meetings,
recommendations, questionnaires, trainings and roadmap."""
