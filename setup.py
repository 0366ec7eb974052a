"""Install ``univ_mm``; the Makefile installs the pinned stack first."""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def read_version() -> str:
    namespace: dict = {}
    exec((HERE / 'univ_mm' / 'version.py').read_text(), namespace)
    return namespace['__version__']


def read_requirements(name: str) -> list[str]:
    lines = (HERE / 'requirements' / name).read_text().splitlines()
    return [line.split('#')[0].strip() for line in lines
            if line.split('#')[0].strip()]


setup(
    name='univ_mm',
    version=read_version(),
    description=('UNIV: a unified infrared/visible foundation model as an '
                 'OpenMMLab plugin'),
    long_description=(HERE / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    python_requires='>=3.11',
    packages=find_packages(include=['univ_mm', 'univ_mm.*']),
    install_requires=read_requirements('runtime.txt'),
    extras_require={'tests': read_requirements('tests.txt')},
    license='Apache-2.0',
)
