import ckan.plugins as p


class PueblaAbiertoPlugin(p.SingletonPlugin):
    pass
