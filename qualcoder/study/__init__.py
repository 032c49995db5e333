"""The study's people and documents as a researcher corrects them: speakers' roles and professions, document
attributes, and value groups (GP = médecin généraliste) that every table, chart and export applies."""
