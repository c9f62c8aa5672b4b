"""Run the image pipeline benchmark."""

from benchmarks.run import main

main()
