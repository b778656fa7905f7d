#!/usr/bin/env python
"""Kept for habit; `tamyr` is the same entry point."""

from tamyr.__main__ import main

if __name__ == "__main__":
    main()
