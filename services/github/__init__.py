"""The online half of a release: GitHub credentials, client, CI gate, draft, uploads, review,
publish and yank, over PyGithub (imported lazily, only when talking to GitHub)."""
