#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knn_portal.settings")
    # manage.py is the developer's entry point: without an explicit DJANGO_DEBUG it runs in
    # development mode. Production never depends on this default: the WSGI app reads
    # DJANGO_DEBUG as given (default false), and the Docker files set DJANGO_DEBUG=false.
    os.environ.setdefault("DJANGO_DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
