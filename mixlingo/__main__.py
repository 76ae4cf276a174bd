from mixlingo.cli import main

main()
