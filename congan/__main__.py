from congan.cli.main import main

main()
