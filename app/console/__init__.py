"""The offline console: the real bot in HTTP mode, a local Slack stand-in, and a terminal in
which you play a workspace member. No Slack workspace, tokens or network needed."""
