"""Appeals (campaigns) and the tracking codes that attribute inquiries to them."""
