"""The captured-person register (Geneva Convention III): identity, capture cards,
welfare log, wishes at repatriation and information-bureau exports."""
