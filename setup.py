"""The one compiled part: a quick reader for ordinary record files, built on libyaml.

It is optional. Where libyaml's headers are missing (Debian: ``libyaml-dev``) the
build goes on without it and records are read by the pure-Python reader, which
gives the same results more slowly.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "clinic_directory._fastyaml",
            sources=["plugins/clinic_directory/_fastyaml.c"],
            libraries=["yaml"],
            optional=True,
        )
    ]
)
