r"""The LaTeX reader behind `engine.latex_input` (whose docstring is the grammar it reads, and
which re-exports the public names). The text flows through these modules in this order:

  macros.py      a document's own \newcommand / \def: collected, then expanded (bounded)
  tokens.py      the guards, then pylatexenc's node tree flattened into tokens with their
                 column; delimiters and relations merged; a derivation's notation matched
  vocabulary.py  the LaTeX words the reader knows (Greek, fonts, operators, functions)
  values.py      what the parser passes around besides SymPy objects, and the token stream
  parser.py      `_Parser`: entry points and the expression grammar, with its mixins
                 names.py (names, subscripts, superscripts), operators.py (macros,
                 operators, functions, probabilities), calculus.py (sums, products, limits,
                 derivatives, integrals), relations.py (statements, cases, finite
                 quantifiers), arithmetic.py (sums and products that follow the shapes)
  statements.py  the public reader: parse_latex, parse_statement, read_statements
"""
