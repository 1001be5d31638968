"""The interview: plan, phases and turn-taking, the interviewer, scoring, reports."""
